"""Which model is the value of which topic, and their JSON Schemas (checked in under ``schemas/jsonschema``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas.assessment import AssessmentCompleted
from schemas.offering import Offering
from schemas.recommendation import RecommendationGenerated
from schemas.review import RecommendationReviewed

TOPIC_VALUES: dict[str, type[BaseModel]] = {
    "assessments.completed": AssessmentCompleted,
    "recommendations.generated": RecommendationGenerated,
    "catalog.offerings": Offering,
    "recommendations.reviewed": RecommendationReviewed,
}
JSONSCHEMA_DIR = Path(__file__).parent / "jsonschema"


def topic_schema(topic: str) -> dict[str, Any]:
    """The JSON Schema of a topic's value (validation mode: what a producer may send)."""
    schema = TOPIC_VALUES[topic].model_json_schema(mode="validation")
    schema["$id"] = f"urn:upskill:topic:{topic}"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def render(topic: str) -> str:
    """The checked-in text of a topic's schema file."""
    return json.dumps(topic_schema(topic), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(directory: Path = JSONSCHEMA_DIR) -> list[Path]:
    """Write one ``<topic>.schema.json`` per topic; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in TOPIC_VALUES:
        path = directory / f"{topic}.schema.json"
        path.write_text(render(topic), encoding="utf-8")
        written.append(path)
    return written
