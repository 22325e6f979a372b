"""netlab: a skills lab for backbone network on-call engineers.

netlab models hyperscaler backbones as networkx graphs, renders real
multi-vendor router configs, injects failures and grades a trainee's
diagnosis by analysing the resulting network.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
