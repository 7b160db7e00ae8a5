"""The patient timeline entries of follow-ups: state, scores and change from baseline."""
