"""Every Kafka client of the worker connects as the settings say: the faust consumer, the batch publisher and
the catalogue follower, not only the kafka-python tools (the faust app once ignored the SASL settings)."""

from __future__ import annotations

import asyncio
import ssl

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from config.settings import Settings
from kafka_io.client import aiokafka_config
from streams.app import create_app

SASL_SSL = {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_username": "upskill",
            "sasl_password": "s3cret", "bootstrap_servers": "kafka-0:9093"}


def test_the_faust_consumer_authenticates_as_configured(tmp_path):
    app = create_app(Settings(kafka=SASL_SSL, data_dir=tmp_path))
    auth = credentials_to_aiokafka_auth(app.conf.broker_credentials)
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (auth["sasl_plain_username"], auth["sasl_plain_password"]) == ("upskill", "s3cret")
    assert isinstance(auth["ssl_context"], ssl.SSLContext)


def test_plaintext_needs_no_credentials(tmp_path):
    assert create_app(Settings(data_dir=tmp_path)).conf.broker_credentials is None
    tls = create_app(Settings(kafka={"security_protocol": "SSL"}, data_dir=tmp_path)).conf.broker_credentials
    assert credentials_to_aiokafka_auth(tls)["security_protocol"] == "SSL"


def test_the_aiokafka_clients_accept_the_same_settings():
    cfg = aiokafka_config(Settings(kafka=SASL_SSL).kafka)
    assert cfg["sasl_plain_password"] == "s3cret" and isinstance(cfg["ssl_context"], ssl.SSLContext)

    async def build() -> None:  # aiokafka checks its security options when a client is made
        AIOKafkaProducer(**cfg, acks="all")
        AIOKafkaConsumer(**cfg, group_id=None)

    asyncio.run(build())
