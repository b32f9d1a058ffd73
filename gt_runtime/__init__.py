"""What every Lambda handler shares besides the Ground Truth rules: its AWS clients and the few
calls several handlers make (paginated job listing, describe, stop-and-recheck).

boto3 and the standard library only. Bundled into every function beside gt_rules
(labeling_constructs/python_function.py); tests inject clients through `Clients.use`.
"""
