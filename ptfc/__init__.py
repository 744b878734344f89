"""Planning Together for Children: CLI, embedded stack and the shared service kit."""
