"""Helpers shared by the test suites (client builders for the emulator's scenarios)."""
