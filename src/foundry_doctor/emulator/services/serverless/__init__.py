"""Serverless API endpoints of the hub era ("Models-as-a-Service"):
``<name>.<region>.models.ai.azure.com``, one model each, key authentication only, the Model
Inference API's route shape.

``spec`` states the endpoint, ``world`` the endpoints, ``errors`` its refusals, ``handlers``
the decisions.
"""
