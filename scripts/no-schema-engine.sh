#!/bin/sh
echo "jwk-gateway: the Prisma CLI schema engine is not available offline; use npm run db:migrate / db:migrate:create / db:migrate:status" >&2
exit 1
