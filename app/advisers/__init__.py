"""Personal advisers: who they are and when they work, their caseloads, and the allocation queues."""
