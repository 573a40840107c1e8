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
