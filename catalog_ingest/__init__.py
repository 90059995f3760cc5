"""Getting offerings in: the shipped seed catalogue, provider feeds, validation and publishing.

Flow: ``readers`` (JSON Lines, CSV; every row keeps its file and line) -> ``normalise`` (provider wording to
catalogue values) -> ``validate`` (every problem by file, line and field; a row is accepted whole or not at
all) -> ``infer`` (DigComp codes for rows without any) -> ``publish`` (to ``catalog.offerings``, only what
changes what the topic holds). ``ingest.ingest_files`` chains them; ``coverage`` and ``synthetic`` work on
the result.
"""
