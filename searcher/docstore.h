/* Moved to common/docstore.h (shared by the indexer and the searcher); this forwarding header goes once no file includes it. */
#include "common/docstore.h"
