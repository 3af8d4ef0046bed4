export async function syncToCrm(): Promise<void> {}

export async function retryFailedSyncs(): Promise<void> {}
