"""Graders for the "implement it yourself" exercises, one module per chapter.

Each ``check_*`` function runs the reader's code against the book's reference
implementation on random inputs and prints what is right or wrong. It returns
``True`` or ``False`` and never raises for a wrong answer, so a chapter can
call it on an unfinished exercise.
"""
