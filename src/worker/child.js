import { routes } from "../queue/routes.js";
import { serveQueues } from "../queue/server.js";
import { Link } from "../transport/link.js";
import { Channel } from "../transport/protocol.js";
import { remoteApi } from "./api.js";
/** A started child context. */
export class Child {
    kind;
    /** How errors name it: `thread worker 3`, `process worker "resizer" (pid 123)`. */
    label;
    pid;
    threadId;
    link;
    api;
    /** Settles when the child is gone. */
    exited;
    #stop;
    #alive = true;
    #stopped = false;
    constructor(kind, label, port, started) {
        this.kind = kind;
        this.label = label;
        this.pid = started.pid;
        this.threadId = started.threadId;
        this.exited = started.exited;
        this.#stop = started.stop;
        this.link = new Link(port);
        serveQueues(this.link, { tracked: true }, (qid) => routes.backendOf(qid));
        this.api = remoteApi(this.link);
        void this.exited.then(() => {
            this.#alive = false;
        });
    }
    isAlive() {
        return this.#alive;
    }
    /** True once this side stopped the child (`kill`), so its end is no failure of its own. */
    get stopped() {
        return this.#stopped;
    }
    /** Stops the child now. */
    kill() {
        this.#stopped = true;
        return this.#stop();
    }
    /**
     * Lets the child go: it exits once what it sent has left and its output is flushed.
     * One that is still alive after `graceMs` is stopped.
     */
    async close(graceMs) {
        this.link.send(Channel.control, ["exit"]);
        this.link.flush();
        let timer;
        const grace = new Promise((resolve) => {
            timer = setTimeout(resolve, graceMs);
        });
        await Promise.race([this.exited, grace]);
        clearTimeout(timer);
        if (this.#alive)
            await this.kill();
    }
}
