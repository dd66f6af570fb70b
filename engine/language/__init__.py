"""Language: the rule language itself: fixed terms, the rule-file schema, conditions, conclusions, and conditions in
words.
"""
