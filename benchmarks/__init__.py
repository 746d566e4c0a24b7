"""Speed benchmarks (issue 6). Run: python -m benchmarks.bench --files N"""
