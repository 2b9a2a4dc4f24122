"""Reads for oversight, one module per page: workload (team dashboard), overdue work, compliance, continuity and
audits. Every figure is an aggregate or grouped query: the number of queries does not grow with the cases."""
