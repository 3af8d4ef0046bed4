export async function processAttendance(): Promise<void> {}
