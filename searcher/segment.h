/* Moved to common/segment.h (shared by the indexer and the searcher); this forwarding header goes once no file includes it. */
#include "common/segment.h"
