"""The service surface as data: what Azure's AI hosts, routes and SDK clients are and do.

Plain, frozen tables with the public source of every entry (:mod:`.sources`, citing the files of
the project's knowledge base), and the few functions that read them. Nothing here knows about a
failure, a rule or a remedy; the facts and the rules read these tables.

- :mod:`.hosts`: clouds and host families (``family_of(host)``)
- :mod:`.api_versions`: the api-versions that exist, by kind (``classify(value)``)
- :mod:`.routes`: every surface a host family serves, with its operations, methods,
  api-version policy and accepted token audiences (``SURFACES``, ``surface``,
  ``audiences_for``)
- :mod:`.matching`: one URL judged against those routes (``match``)
- :mod:`.clients`: how each SDK client builds its URLs and sends its credential
- :mod:`.models`: model families and publishers, judged from a model or deployment name
- :mod:`.roles`: roles by role-definition ID, with former names and what they open
- :mod:`.retirements`: retired surfaces, SDKs and model versions, with their dates
- :mod:`.sdk_issues`: SDK releases with known bugs

Import the module you need (``from foundry_doctor.knowledge import routes``); this package
imports none of them, so that each loads only when a diagnosis first reads it.
"""
