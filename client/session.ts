/** Who is signed in, known to every page; the header re-renders when it changes. */
import { currentUser } from './api/auth.ts';
import type { User } from './api/types.ts';

type Listener = (user: User | null) => void;

class Session {
  user: User | null = null;
  private readonly listeners = new Set<Listener>();

  async load(): Promise<void> {
    this.set(await currentUser());
  }

  set(user: User | null): void {
    this.user = user;
    for (const listener of this.listeners) listener(user);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const session = new Session();
