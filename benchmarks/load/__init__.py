"""The parts of the chat load benchmark (python -m benchmarks.chat_load): mixes, plan, paths, figures."""
