"""Reading Ground Truth output: the manifest, the label files beside it, worker responses."""
