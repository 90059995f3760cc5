"""Publishing: only valid rows reach the topic, the same file twice changes nothing, withdrawals are tombstones."""

from __future__ import annotations

import json

import pytest
from kafka import KafkaConsumer

from catalog_ingest.ingest import ingest_files
from catalog_ingest.publish import MemorySink, Publisher, encode
from catalog_ingest.seed import load_offerings
from kafka_io.catalog_sink import KafkaSink
from kafka_io.client import read_from_start
from tests.conftest import ROOT
from tests.support.feeds import BAD_IDS, GOOD_IDS, write_bad_feeds

SEED = ROOT / "catalog_ingest" / "data" / "offerings.jsonl"


def test_only_valid_rows_are_published_and_the_summary_counts_them(tmp_path):
    jsonl, csv = write_bad_feeds(tmp_path)
    sink = MemorySink()
    report, summary = ingest_files([SEED, jsonl, csv], Publisher(sink))

    assert (summary.new, summary.updated, summary.unchanged, summary.rejected) == (168, 0, 0, 6)
    published = {key for key, _ in sink.sent}
    assert GOOD_IDS <= published and not BAD_IDS & published
    assert len(sink.sent) == len(published) == len(load_offerings()) + len(GOOD_IDS)


def test_the_same_file_twice_changes_nothing(tmp_path):
    sink = MemorySink()
    ingest_files([SEED], Publisher(sink))
    sent = len(sink.sent)

    _, again = ingest_files([SEED], Publisher(sink))

    assert len(sink.sent) == sent
    assert str(again) == "accepted 165 (new 0, updated 0, unchanged 165), rejected 0"


def test_a_changed_row_is_an_update_and_a_withdrawal_a_tombstone():
    offerings = load_offerings()[:3]
    sink = MemorySink({o.id: encode(o) for o in offerings})
    publisher = Publisher(sink)
    changed = offerings[0].model_copy(update={"duration_hours": 12.0})

    summary = publisher.publish([changed, *offerings[1:]])

    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 2)
    assert sink.sent == [(changed.id, encode(changed))]
    assert publisher.withdraw([offerings[1].id, "never-published"]) == 1
    assert sink.sent[-1] == (offerings[1].id, None) and offerings[1].id not in sink.state


def _read_topic(settings) -> tuple[dict[str, bytes | None], int]:
    """The latest value per key and the number of records, read with assign() (no consumer group)."""
    topic = settings.kafka.topics.catalog
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_list, enable_auto_commit=False)
    parts = read_from_start(consumer, topic)
    end = consumer.end_offsets(parts)
    latest: dict[str, bytes | None] = {}
    batch: dict = {}
    while any(consumer.position(p) < end[p] for p in parts) or batch:
        batch = consumer.poll(timeout_ms=200)  # tansu's end offset can sit inside the last batch: drain
        for records in batch.values():
            latest.update((r.key.decode(), r.value) for r in records)
    consumed = sum(consumer.position(p) for p in parts)
    consumer.close()
    return latest, consumed


@pytest.mark.kafka
def test_kafka_topic_gets_the_valid_rows_once_and_withdrawals_as_tombstones(kafka_settings, tmp_path):
    jsonl, csv = write_bad_feeds(tmp_path)
    with KafkaSink(kafka_settings) as sink:
        _, first = ingest_files([SEED, jsonl, csv], Publisher(sink))
    on_topic, records = _read_topic(kafka_settings)
    assert first.new == len(on_topic) == records == len(load_offerings()) + len(GOOD_IDS)
    assert not BAD_IDS & set(on_topic)
    assert json.loads(on_topic["acme-csv-after"])["languages"] == ["de"]

    with KafkaSink(kafka_settings) as sink:  # a new process: knows the topic only by reading it
        _, second = ingest_files([SEED, jsonl, csv], Publisher(sink))
        assert (second.new, second.updated, second.unchanged) == (0, 0, first.new)
        assert _read_topic(kafka_settings)[1] == records  # nothing was sent

        assert Publisher(sink).withdraw(["acme-csv-ok"]) == 1
    assert _read_topic(kafka_settings)[0]["acme-csv-ok"] is None
