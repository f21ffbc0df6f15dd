// The tasks `npm run bench` lists and searches (and `bench:profile` lists): 2,000, a third of each priority, due a
// minute apart, titled by eight words in turn so that a word search finds an eighth of them.
const WORDS = ['dentist', 'milk', 'report', 'plants', 'bank', 'mom', 'taxes', 'car'];

export async function seedTasks(tasksUrl: string, token: string): Promise<void> {
  for (let i = 0; i < 2_000; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        fetch(tasksUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            title: `${WORDS[(i + j) % WORDS.length]} ${i + j}`,
            priority: ['high', 'medium', 'low'][(i + j) % 3],
            due_at: new Date(Date.now() + (i + j) * 60_000).toISOString(),
          }),
        }),
      ),
    );
  }
}
