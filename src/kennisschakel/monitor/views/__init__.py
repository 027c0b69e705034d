"""The monitor's pages, one module per audience and job:

* :mod:`.waves`: running a wave (list, create, edit, status, detail; import/export);
* :mod:`.tokens`: codes per municipality and the bulk actions with confirmation;
* :mod:`.answering`: the code holder answers the questionnaire;
* :mod:`.preview`: the facilitator's preview of the questionnaire (saves nothing);
* :mod:`.reports`: results, the comparison with the printed tables, "where do we stand".
"""
