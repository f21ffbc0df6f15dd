// Local ports: each app and its sidecar. dapr.yaml repeats them (a test keeps the two equal).
import { APP_IDS, type AppId } from './names';

export interface LocalPorts {
  app: number;
  daprHttp: number;
}

export const LOCAL_PORTS: Record<AppId, LocalPorts> = {
  [APP_IDS.frontend]: { app: 3000, daprHttp: 3500 },
  [APP_IDS.backend]: { app: 8000, daprHttp: 3501 },
  [APP_IDS.notificationService]: { app: 8001, daprHttp: 3502 },
  [APP_IDS.recurringTaskService]: { app: 8002, daprHttp: 3503 },
};

/** Extra replicas (`TODO_REPLICAS=backend=2`) take ports from here on, one each, in the order they are added. */
export const LOCAL_REPLICA_PORTS: LocalPorts = { app: 8010, daprHttp: 3510 };
