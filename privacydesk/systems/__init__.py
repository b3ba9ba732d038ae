"""The company's other systems (#16): where a person's data live besides the register, and
the connectors that find, export, correct and erase them there."""
