"""Test-session settings: the package's tests use tiny tensors, for which one
CPU thread is fastest (several threads cost more in hand-offs than they save).
"""

import torch

torch.set_num_threads(1)
