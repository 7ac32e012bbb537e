print("zizhu-bench: not yet")
