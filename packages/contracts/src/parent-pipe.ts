/**
 * The parent pipe: how a Flyt child process (a code server started by the workspace, a run worker
 * started by a code server) notices that the process that started it is gone, even after a
 * SIGKILL that gave the parent no chance to clean up. Linux's PR_SET_PDEATHSIG is not reachable
 * from Node, and re-parenting to init is not observable without polling, so the parent passes an
 * extra stdio pipe (fd 3) it never writes to: the kernel closes the parent's end when the parent
 * dies, however it dies, and the child reads end-of-file.
 *
 * The child watches only when `FLYT_PARENT_PIPE_FD` says a Flyt parent set the pipe up: a code
 * server run as a container's main process (or from a shell) has no such parent and must not exit.
 * The variable is removed from the child's environment once read, so processes it starts in turn
 * (user code, Pipes children) do not mistake an unrelated fd for a parent pipe.
 */
import { Socket } from "node:net";
import type { StdioPipe, StdioNull } from "node:child_process";

export const PARENT_PIPE_ENV = "FLYT_PARENT_PIPE_FD";
/** The fd of the pipe in the child: the first after stdin, stdout and stderr. */
export const PARENT_PIPE_FD = 3;

type StdioEntry = StdioPipe | StdioNull;

/**
 * Spawn options for a child that should die with this process: `stdio` gets the pipe as its
 * fourth entry and `env` gets FLYT_PARENT_PIPE_FD. The pipe must stay open in the parent (Node
 * keeps it for the child's lifetime) and is never written.
 */
export function withParentPipe(stdio: [StdioEntry, StdioEntry, StdioEntry], env: NodeJS.ProcessEnv): { stdio: [StdioEntry, StdioEntry, StdioEntry, "pipe"]; env: NodeJS.ProcessEnv } {
  return { stdio: [...stdio, "pipe"], env: { ...env, [PARENT_PIPE_ENV]: String(PARENT_PIPE_FD) } };
}

/**
 * In the child: calls `onParentGone` once when the parent pipe reaches end-of-file or fails.
 * Returns false (and watches nothing) when this process was not started with a parent pipe.
 * The watch does not keep the process alive.
 */
export function watchParentPipe(onParentGone: () => void, env: NodeJS.ProcessEnv = process.env): boolean {
  const text = env[PARENT_PIPE_ENV];
  delete env[PARENT_PIPE_ENV];
  if (text === undefined || text === "") return false;
  const fd = Number(text);
  if (!Number.isInteger(fd) || fd < 3) return false;
  let socket: Socket;
  try {
    socket = new Socket({ fd, readable: true, writable: false });
  } catch {
    // Not an open pipe (the variable was inherited by accident): there is no parent to watch.
    return false;
  }
  let fired = false;
  const gone = (): void => {
    if (fired) return;
    fired = true;
    onParentGone();
  };
  socket.on("end", gone);
  socket.on("close", gone);
  socket.on("error", gone);
  // The parent never writes; reading is what lets the end-of-file arrive.
  socket.resume();
  socket.unref();
  return true;
}
