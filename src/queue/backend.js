/** The owner of reads made in the queue's home context. */
export const HOME_OWNER = Object.freeze({ tracked: false });
