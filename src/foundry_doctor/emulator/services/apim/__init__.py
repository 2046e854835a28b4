"""API Management gateways in front of Foundry / Azure OpenAI resources (``*.azure-api.net``
or a custom domain): the subscription-key check, then the request forwarded to the backend
resource with the gateway's own credential.

``spec`` states the gateway's answers, ``world`` the gateways, ``errors`` its refusals,
``handlers`` the decisions and the forwarding.
"""
