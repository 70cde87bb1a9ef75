"""The narrow views partners get: a district council sees council-tax exemption data of its residents."""
