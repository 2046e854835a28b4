"""The emulated services, each laid out the same way (after moto's per-service backends):

* ``spec``: the statement of the service as data (hosts, routes, accepted credentials, ...),
  written from the public sources independently of foundry-doctor's diagnosis tables;
* ``world``: the service's state in the emulated world (plain dataclasses);
* ``errors``: the service's error answers, one class per answer, rendered in one place;
* ``handlers``: the decisions, which raise those errors or return a success.

:mod:`~foundry_doctor.emulator.services.foundry` is the Foundry / Azure OpenAI data plane,
:mod:`~foundry_doctor.emulator.services.entra` Microsoft Entra ID's token service and
:mod:`~foundry_doctor.emulator.services.managed_identity` the managed-identity endpoints of the
Azure hosts (App Service, virtual machines, Cloud Shell).
"""
