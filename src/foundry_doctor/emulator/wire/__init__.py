"""The wire layer of the emulator, shared by every emulated service.

* :mod:`~foundry_doctor.emulator.wire.messages`: the request the listener read and the reply a
  service gives back;
* :mod:`~foundry_doctor.emulator.wire.proxy`: the listener on 127.0.0.1, an HTTPS proxy for the
  services reached under their real host names, and plain HTTP for the loopback endpoints
  (managed identity);
* :mod:`~foundry_doctor.emulator.wire.certificates`: the local CA behind the HTTPS tunnels;
* :mod:`~foundry_doctor.emulator.wire.environment`: the variables that route clients here;
* :mod:`~foundry_doctor.emulator.wire.recording`: the request log, without secrets;
* :mod:`~foundry_doctor.emulator.wire.faults`: replies that go out broken, mislabelled or late;
* :mod:`~foundry_doctor.emulator.wire.guard`: a guard that refuses any connection leaving the
  loopback interface (for test sessions and the demo).

Nothing here knows what a service answers; the services (:mod:`foundry_doctor.emulator.services`)
know nothing about sockets.
"""
