"""Annotations: highlights with notes and tags, anchored robustly to article text."""
