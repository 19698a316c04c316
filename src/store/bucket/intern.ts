// One Label object (and one copy of its strings) per distinct name/value pair within a Series
// request. Selection holds every selected series of every block until it is streamed, and most
// pairs repeat across series (job, namespace, __name__…) and across blocks (HA replicas and
// consecutive blocks carry the same series), while each decoded entry brings its own objects
// and strings: sharing them cuts the live heap of a wide request several-fold, and with it how
// far V8 lets the heap grow.
import type { Label } from "../../labels/index.ts";

export class LabelInterner {
  private readonly byName = new Map<string, Map<string, Label>>();

  // Replaces each label of `ls` (in place) by its canonical object.
  intern(ls: Label[]): Label[] {
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i];
      let values = this.byName.get(l.name);
      if (!values) this.byName.set(l.name, (values = new Map()));
      const known = values.get(l.value);
      if (known) ls[i] = known;
      else values.set(l.value, l);
    }
    return ls;
  }
}
