// A progress bar on a terminal; on a pipe or file, one line per tenth so logs stay short.
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function progressBar(stream: NodeJS.WriteStream, label: string): Progress {
  const started = Date.now();
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  const rate = (done: number) => Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  return {
    update(done, total) {
      const share = total === 0 ? 1 : Math.min(done / total, 1);
      if (!stream.isTTY) {
        const tenth = Math.floor(share * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        stream.write(
          `${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${tenth * 10}%)\n`,
        );
        return;
      }
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const width = 30;
      const full = Math.round(share * width);
      stream.write(
        `\r${label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${Math.floor(share * 100)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${rate(done).toLocaleString('en')} rows/s`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
