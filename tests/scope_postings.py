"""A posting from an invented company, added in one scope and looked for from others by both the
core and the Discord scope tests."""

ZEPH = """# Perception Research Intern | Zephyrine Robotics

Zephyrine Robotics builds warehouse perception. This internship is in Oslo, Norway.

## Logistics
- Pay: $51 per hour
- Duration: 12 weeks
- Location: Oslo, Norway

## What You'll Do
- Train lidar segmentation models with sparse convolutions.
- Ship perception models to the robot fleet.

## Must-Haves
- Experience with PyTorch and point clouds.
"""


def stored_vectors(index, owner: str) -> list[str]:
    """What the store holds of one owner's vectors: their chunks in the chunk collection (none for a
    server or a user: their vectors live only in version records), the version records of their
    roles, and any version record no role uses at all (what a removal that forgot its vectors leaves).
    A version record shared with another owner's role of the same posting is theirs as well, and stays."""
    store = index.store
    chunks = store.chunk_collection.get(where={"owner": owner}, include=[])["ids"]
    roles = store.roles.get(include=["metadatas"])["metadatas"]
    own = {meta["version"] for meta in roles if meta.get("owner") == owner}
    used = {meta["version"] for meta in roles}
    records = store.posting_vectors.ids()
    return sorted(chunks) + sorted(f"version:{v}" for v in records if v in own or v not in used)
