from .utils import helper
from utils.custom_module import thing
from utilsx import other
import utilsx
import numpy as utils_np

print(helper, thing, other, utilsx, utils_np)
