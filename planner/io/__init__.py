"""Files in and out: the batch and learners CSVs, the batch runner and its output files.
"""
