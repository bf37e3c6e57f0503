/** Section titles of the five studies (../shared/SEEDS.md), in report order. */
export const STUDY_TITLES: Readonly<Record<string, string>> = {
  S0: 'Sorting unseen handwritten letters (CNN encoder + sequence decoder)',
  S1: 'Characters in many fonts (CNN vs CRNN, 52 classes)',
  S2: 'CNN grid search and optimizers; text classifiers (CNN vs RNN)',
  S3: 'Comparing two MNIST digits (weight sharing, auxiliary loss)',
  S4: 'MNIST with recurrent networks, class imbalance',
};

/** Rows grouped into sections: one per study that has recipes, then our own recipes. */
export function sections<T extends { study: string | null }>(rows: readonly T[]): { id: string; title: string; rows: T[] }[] {
  const out: { id: string; title: string; rows: T[] }[] = [];
  for (const id of Object.keys(STUDY_TITLES)) {
    const rs = rows.filter((r) => r.study === id);
    if (rs.length) out.push({ id, title: `${id} — ${STUDY_TITLES[id]}`, rows: rs });
  }
  const own = rows.filter((r) => r.study === null || !(r.study in STUDY_TITLES));
  if (own.length) out.push({ id: 'own', title: 'Our own recipes (no study number)', rows: own });
  return out;
}
