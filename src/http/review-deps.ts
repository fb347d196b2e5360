// What the spam-review routes and pages are handed: the review service and the quarantine.
import type { ReviewDeps } from '../review/message-review.js';
import type { QuarantineRepo } from '../store/quarantine-repo.js';

export interface ReviewHttpDeps {
  review: ReviewDeps;
  quarantine: QuarantineRepo;
}
