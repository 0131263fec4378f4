import { useEffect, useState } from 'react';

import { DataSource } from '../../datasource';
import { FieldCatalog, STATIC_FIELD_CATALOG } from '../../fieldCatalog';

/** The backend's field catalogue, starting from the built-in one until the backend answers. */
export function useFieldCatalog(datasource: DataSource): FieldCatalog {
  const [catalog, setCatalog] = useState<FieldCatalog>(STATIC_FIELD_CATALOG);
  useEffect(() => {
    let mounted = true;
    datasource.getFieldCatalog().then((loaded) => {
      if (mounted) {
        setCatalog(loaded);
      }
    });
    return () => {
      mounted = false;
    };
  }, [datasource]);
  return catalog;
}
