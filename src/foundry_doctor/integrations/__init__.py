"""Integrations: where foundry-doctor meets the SDKs (azure-core pipelines, openai's httpx /
httpx2 clients). Each module imports its SDK; nothing here is imported by ``foundry_doctor``
itself until used."""
