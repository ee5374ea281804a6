"""The learner's loop: ``python -m kata check|hint|progress|watch|reset|solution|test|list``."""
