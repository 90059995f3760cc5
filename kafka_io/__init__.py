"""Every conversation with Kafka outside the faust agents: client settings, topics, producing and reading back.

:mod:`kafka_io.client` (connection settings for kafka-python, aiokafka and faust, the producer, topic creation,
send-and-await, reading a topic from the start), :mod:`kafka_io.catalog_sink` (the catalogue topic behind
:class:`catalog_ingest.publish.OfferingSink`), :mod:`kafka_io.assessments` (publishing imported assessments),
:mod:`kafka_io.outbox_relay` (the store's outbox to Kafka) and :mod:`kafka_io.batch_publisher` (the worker's
output, aiokafka batches).
"""
