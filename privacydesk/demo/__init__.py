"""Demo: a synthetic Dutch population for `privacydesk demo` and the benchmarks.

`population.generate(n)` fills the register with `n` invented people (every role, every
category, agreements of both kinds) that obey the policy; `staff_login.create_demo_staff()`
creates the privacy-officer login the demo prints once. Nothing here is real personal data.
"""
