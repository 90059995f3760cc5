"""The worker's producer batches recommendations: at the Kafka clients' default of 16 KB a record batch, each
~11 KB recommendation went out in a batch and a request of its own."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from benchmarks.workload import assessment_events
from config.settings import KafkaSettings, Settings
from streams.app import create_app


def test_the_worker_producer_batches_several_recommendations(recommender, tmp_path):
    settings = Settings(data_dir=tmp_path)
    publisher = create_app(settings).upskill_runtime.publisher
    largest = max(len(recommender.recommend(e).model_dump_json()) for e in assessment_events(50, seed=41))
    assert publisher.kafka.producer_batch_bytes >= 20 * largest


def test_a_batch_size_above_the_request_limit_is_refused():
    with pytest.raises(ValidationError, match="producer_batch_bytes"):
        KafkaSettings(producer_batch_bytes=2_000_000)
