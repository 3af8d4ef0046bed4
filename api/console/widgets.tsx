/** Small pieces several pages use. */

export function Figure({ label, value }: { label: string; value: number | string }) {
  return (
    <div class="figure">
      <span class="figure-value">{value}</span>
      <span class="figure-label">{label}</span>
    </div>
  );
}

/** "Previous day · date · next day". */
export function DayPager(props: { date: string; label: string; previous: string; next: string }) {
  return (
    <nav class="day-pager" aria-label="Day">
      <a href={props.previous} rel="prev">
        ← Previous day
      </a>
      <strong>
        <time datetime={props.date}>{props.label}</time>
      </strong>
      <a href={props.next} rel="next">
        Next day →
      </a>
    </nav>
  );
}
