"""The Microsoft Foundry / Azure OpenAI data plane: the classic deployment route, ``/openai/v1``,
the Model Inference API (``/models``) and project endpoints, on the resources' custom
subdomains and the regional endpoints.

``spec`` states the service (hosts, routes, api-versions, credentials, audiences, roles),
``world`` holds the resources, ``errors`` the error answers, ``handlers`` the decisions,
``payloads`` the successful answers.
"""
