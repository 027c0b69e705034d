"""The matcher's search index (see :class:`PoolIndex`)."""

from kennisschakel.engines.text.search import SearchIndex


class PoolIndex(SearchIndex):
    """The search index, able to skip the per-hit lookup of matched terms.

    ``SearchIndex.search`` looks up, for every hit it returns, which query terms the hit
    contains: a binary search per term in postings of tens of thousands of documents.
    For a pool of hundreds of hits that lookup cost more than everything else in a match
    at 100,000 practices, while only the few results shown need their terms. With
    ``with_terms`` off, hits come back with no terms; the matcher asks for the terms of
    the results it returns in one more, small, search.
    """

    with_terms = True

    def _matched_terms(self, page, postings):
        if self.with_terms:
            return super()._matched_terms(page, postings)
        return [[] for _ in page]
