"""Azure Resource Manager (``management.azure.com``): subscriptions, resource groups, the
Cognitive Services accounts with their projects, deployments and models, Resource Graph, and
the Authorization provider (role definitions, role assignments, deny assignments, PIM schedule
instances, the caller's effective permissions), answered from the emulated world."""
