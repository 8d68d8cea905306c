/** The token secret shared by the test signaling servers and the test persistence service. */
export const SECRET = 'test-secret-'.padEnd(48, 'x');
